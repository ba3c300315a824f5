// Walks the config schema: the keys of a section, and the env variable of every leaf key.
import { z } from 'zod';

/** Removes default / prefault / optional / nullable wrappers. */
export function unwrap(schema: z.ZodType): z.ZodType {
  let current: z.ZodType = schema;
  for (;;) {
    if (
      current instanceof z.ZodDefault ||
      current instanceof z.ZodPrefault ||
      current instanceof z.ZodOptional ||
      current instanceof z.ZodNullable
    ) {
      current = current.unwrap() as z.ZodType;
    } else {
      return current;
    }
  }
}

/** The schema at a key path, or undefined when the path leaves the known keys. */
export function schemaAt(root: z.ZodType, path: readonly PropertyKey[]): z.ZodType | undefined {
  let current: z.ZodType | undefined = root;
  for (const key of path) {
    if (current === undefined) return undefined;
    const bare = unwrap(current);
    if (bare instanceof z.ZodObject)
      current = (bare.shape as Record<string, z.ZodType>)[String(key)];
    else if (bare instanceof z.ZodArray && typeof key === 'number')
      current = bare.element as z.ZodType;
    else return undefined;
  }
  return current;
}

/** The keys of the section at a path, if it is a section. */
export function keysAt(root: z.ZodType, path: readonly PropertyKey[]): string[] {
  const schema = schemaAt(root, path);
  const bare = schema && unwrap(schema);
  return bare instanceof z.ZodObject ? Object.keys(bare.shape) : [];
}

/** True when a leaf takes text, so an env value is used as is rather than parsed as YAML. */
export function takesText(schema: z.ZodType): boolean {
  const bare = unwrap(schema);
  return (
    bare instanceof z.ZodString ||
    (bare instanceof z.ZodEnum && bare.options.every((o) => typeof o === 'string'))
  );
}

export interface Leaf {
  readonly path: readonly string[];
  readonly schema: z.ZodType;
}

/** Every key that is not itself a section, depth first, in schema order. */
export function leaves(root: z.ZodType, prefix: readonly string[] = []): Leaf[] {
  const bare = unwrap(root);
  if (!(bare instanceof z.ZodObject)) return [{ path: prefix, schema: root }];
  return Object.entries(bare.shape as Record<string, z.ZodType>).flatMap(([key, child]) =>
    leaves(child, [...prefix, key]),
  );
}

/** `broker.tcpPort` -> `FSBUS_BROKER__TCP_PORT`. */
export function envName(path: readonly string[]): string {
  return `FSBUS_${path.map((key) => key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()).join('__')}`;
}
