// The read-only view of a type inferred from a schema: valibot infers mutable objects and arrays,
// while everything Glimpse validates (messages, records, the catalog, manifests) is only read.

export type DeepReadonly<T> = T extends readonly (infer Item)[]
  ? readonly DeepReadonly<Item>[]
  : T extends object
    ? { readonly [Key in keyof T]: DeepReadonly<T[Key]> }
    : T;
