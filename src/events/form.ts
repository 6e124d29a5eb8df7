import type { TSchema, Static } from 'typebox';
import { Value } from 'typebox/value';
import { invalid, problemOfAjv } from '../core/errors.js';

/**
 * Validates the text fields of a multipart form against a schema (Fastify validates JSON bodies
 * itself, but not multipart fields), answering 400 VALIDATION_FAILED with the offending field.
 */
export function checkForm<T extends TSchema>(schema: T, fields: Record<string, string | number>): Static<T> {
  if (Value.Check(schema, fields)) return fields as Static<T>;
  const details = Value.Errors(schema, fields).map((error) => {
    const extra =
      (error.params as { additionalProperties?: string[]; requiredProperties?: string[] } | undefined) ?? {};
    const named = extra.additionalProperties?.[0] ?? extra.requiredProperties?.[0] ?? '';
    const path = error.instancePath.replace(/^\//, '').replaceAll('/', '.');
    // TypeBox reports AJV's keywords and params, so the problem is the same data a JSON body gives.
    return {
      field: ['body', path || named].filter(Boolean).join('.'),
      ...problemOfAjv(error),
      message: error.message,
    };
  });
  const first = details.find((d) => d.field !== 'body') ?? details[0]!;
  throw invalid('VALIDATION_FAILED', `${first.field} ${first.message}`, details);
}

/**
 * Like checkForm, for a schema with numbers (ids, coordinates): multipart sends every value as text,
 * so numeric text is converted first. An empty field counts as not sent (an empty optional box),
 * never as 0.
 */
export function checkTypedForm<T extends TSchema>(schema: T, fields: Record<string, string>): Static<T> {
  const sent = Object.fromEntries(Object.entries(fields).filter(([, value]) => value.trim() !== ''));
  return checkForm(schema, Value.Convert(schema, sent) as Record<string, string>);
}
