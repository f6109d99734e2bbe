package ast

import "reflect"

// Clone returns a deep copy of the tree rooted at n: every node is new, so
// annotations keyed by node (lang.Info) can differ between the copies. Literal
// values and schemas are shared (they are never modified).
func Clone[T Node](n T) T {
	v := reflect.ValueOf(n)
	if !v.IsValid() {
		return n
	}
	return cloneValue(v).Interface().(T)
}

var schemaType = reflect.TypeOf((*any)(nil)).Elem()

func cloneValue(v reflect.Value) reflect.Value {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return v
		}
		c := reflect.New(v.Elem().Type())
		c.Elem().Set(cloneValue(v.Elem()))
		return c
	case reflect.Interface:
		if v.IsNil() || v.Type() == schemaType {
			return v
		}
		c := reflect.New(v.Type()).Elem()
		c.Set(cloneValue(v.Elem()))
		return c
	case reflect.Struct:
		c := reflect.New(v.Type()).Elem()
		for i := 0; i < v.NumField(); i++ {
			c.Field(i).Set(cloneValue(v.Field(i)))
		}
		return c
	case reflect.Slice:
		if v.IsNil() {
			return v
		}
		c := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := 0; i < v.Len(); i++ {
			c.Index(i).Set(cloneValue(v.Index(i)))
		}
		return c
	}
	return v
}
