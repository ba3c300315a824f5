// Building blocks of the config schemas (the bus's and central's): value types, sections with
// defaults, and the keys both brokers share.
import { z } from 'zod';

export const Port = z.int().min(1).max(65535);
/** A listening port; 0 lets the system pick a free one (tests). */
export const ListenPort = z.int().min(0).max(65535);
export const Host = z.string().min(1).max(253);
/** A file path; relative paths are taken from the config file's folder. */
export const FilePath = z.string().min(1).max(4096);

/** Wraps an object schema so that a missing section takes every default of its keys. */
export function section<Shape extends z.ZodRawShape>(shape: Shape, description: string) {
  const object = z.strictObject(shape);
  // Every key of a section has a default, so {} is a valid input; TypeScript cannot see that
  // through the generic shape.
  return object.prefault({} as z.input<typeof object>).meta({ description });
}

export const logSection = () =>
  section(
    {
      level: z
        .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace'])
        .default('info')
        .meta({ description: 'Lowest level written (JSON lines on stdout).' }),
    },
    'Logging.',
  );

/** A broker's largest payload. */
export const maxMessageBytes = () =>
  z
    .int()
    .min(256)
    .max(16 * 1024 * 1024)
    .default(64 * 1024)
    .meta({
      description: 'Largest payload accepted, bytes; larger ones are dropped and counted.',
    });

/** A broker's per-account rate limit, with its defaults and what they are sized for. */
export function rateLimitSection(options: {
  readonly messagesPerSecond: number;
  readonly burst: number;
  readonly rateDescription: string;
  readonly burstDescription: string;
  readonly description: string;
}) {
  return section(
    {
      messagesPerSecond: z
        .number()
        .min(0.1)
        .max(1_000_000)
        .default(options.messagesPerSecond)
        .meta({ description: options.rateDescription }),
      burst: z
        .int()
        .min(1)
        .max(1_000_000)
        .default(options.burst)
        .meta({ description: options.burstDescription }),
    },
    options.description,
  );
}
