package catalog

//go:generate go run ../internal/cataloggen -data ../../../shared/data/domain-list-community -map ../internal/cataloggen/apps.map -out apps.tsv.gz -license LICENSE.domain-list-community
