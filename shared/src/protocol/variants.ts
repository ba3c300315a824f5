// Payloads one change away from a stream's documented example, to test validators against.
import type { Stream } from '../topics.js';
import { EXAMPLES } from './examples.js';

type Node = Record<string, unknown>;

const REMOVE = Symbol('remove');

function pathsOf(node: unknown, prefix: string[] = []): string[][] {
  if (node === null || typeof node !== 'object') return [];
  return Object.entries(node as Node).flatMap(([key, value]) => [
    [...prefix, key],
    ...pathsOf(value, [...prefix, key]),
  ]);
}

function changedAt(example: unknown, path: readonly string[], value: unknown): unknown {
  const copy = structuredClone(example) as Node;
  const parent = path.slice(0, -1).reduce<Node>((node, key) => node[key] as Node, copy);
  const key = path.at(-1) ?? '';
  if (value !== REMOVE) parent[key] = value;
  else if (Array.isArray(parent)) parent.splice(Number(key), 1);
  else Reflect.deleteProperty(parent, key);
  return copy;
}

/**
 * The example of a stream, the example with an extra field, and for every field at any depth the
 * example without it and with it set to each of `values`. For tests of validators and parsers.
 */
export function exampleVariants(stream: Stream, values: readonly unknown[]): unknown[] {
  const example: unknown = EXAMPLES[stream];
  const variants: unknown[] = [
    structuredClone(example),
    { ...(structuredClone(example) as Node), extra: 'free text' },
  ];
  for (const path of pathsOf(example)) {
    variants.push(
      changedAt(example, path, REMOVE),
      ...values.map((value) => changedAt(example, path, value)),
    );
  }
  return variants;
}
