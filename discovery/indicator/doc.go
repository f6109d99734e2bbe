// Package indicator renders cloud-app governance decisions as indicators in the
// formats endpoints, DNS resolvers, proxies and firewalls consume: Defender
// indicator JSON and CSV, STIX 2.1, RPZ, hosts, dnsmasq, Squid, AdGuard and the
// appliance block scripts of Blue Coat, Cisco ASA, FortiGate, Palo Alto,
// Zscaler, Juniper SRX and Websense.
package indicator
