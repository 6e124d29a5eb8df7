import type { FastifyReply } from 'fastify';
import { XMLBuilder } from 'fast-xml-parser';

/** GeoReport v2 answers in XML (required by the spec) or JSON, chosen by the resource's suffix. */
export type Open311Format = 'xml' | 'json';

export const CONTENT_TYPES: Record<Open311Format, string> = {
  xml: 'text/xml; charset=utf-8',
  json: 'application/json; charset=utf-8',
};

const builder = new XMLBuilder({
  format: false,
  suppressEmptyNode: false,
  // Open311 clients expect empty elements for absent values, never the text "null".
  suppressBooleanAttributes: false,
});

type Value = string | number | boolean | null | undefined | Value[] | { [key: string]: Value };

/** XML has no null: absent values become empty elements; arrays repeat their item element. */
function forXml(value: Value, itemName: string): unknown {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return { [itemName]: value.map((item) => forXml(item, itemName)) };
  if (typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [key, forXml(inner, itemFor(key))]),
    );
  }
  return value;
}

/** The element name of one item of a list element, as the spec's examples name them. */
function itemFor(listName: string): string {
  const items: Record<string, string> = {
    endpoints: 'endpoint',
    formats: 'format',
    attributes: 'attribute',
    values: 'value',
    keywords: 'keyword',
  };
  return items[listName] ?? 'item';
}

/** A list response: `<root><item>…</item>…</root>` in XML, a bare array in JSON. */
export function sendList(
  reply: FastifyReply,
  format: Open311Format,
  rootName: string,
  itemName: string,
  items: Array<Record<string, Value>>,
  status = 200,
): FastifyReply {
  reply.status(status).type(CONTENT_TYPES[format]);
  if (format === 'json') return reply.send(JSON.stringify(items));
  const body = { [rootName]: { [itemName]: items.map((item) => forXml(item, itemName)) } };
  return reply.send(`<?xml version="1.0" encoding="utf-8"?>${builder.build(body) as string}`);
}

/** A single-object response (discovery, service definition). */
export function sendObject(
  reply: FastifyReply,
  format: Open311Format,
  rootName: string,
  object: Record<string, Value>,
): FastifyReply {
  reply.type(CONTENT_TYPES[format]);
  if (format === 'json') return reply.send(JSON.stringify(object));
  const body = { [rootName]: forXml(object, rootName) };
  return reply.send(`<?xml version="1.0" encoding="utf-8"?>${builder.build(body) as string}`);
}

/** Errors are always a list of {code, description}; code is the HTTP status, as the spec's examples show. */
export function sendErrors(
  reply: FastifyReply,
  format: Open311Format,
  status: number,
  descriptions: string[],
): FastifyReply {
  return sendList(
    reply,
    format,
    'errors',
    'error',
    descriptions.map((description) => ({ code: status, description })),
    status,
  );
}
