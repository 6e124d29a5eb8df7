import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { DOCUMENT_EXTENSIONS } from '../../events/photos/documents.js';
import type { FilingDocumentRow } from './repository.js';

export const DocumentBytes = Type.Unsafe<Buffer>({
  type: 'string',
  format: 'binary',
  description: 'The stored document: a PDF as uploaded, or a re-encoded image with no metadata',
});
export const PdfResponse = Type.Unsafe<Buffer>({ type: 'string', format: 'binary', description: 'A4 PDF' });

/**
 * Sends a stored document as its checked type and nothing else: nosniff, a CSP that runs nothing,
 * a PDF as an attachment (never rendered in the app's origin), named by its id.
 */
export function sendDocument(reply: FastifyReply, document: FilingDocumentRow) {
  const pdf = document.mime === 'application/pdf';
  return reply
    .header('content-type', document.mime)
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "default-src 'none'; sandbox")
    .header(
      'content-disposition',
      `${pdf ? 'attachment' : 'inline'}; filename="document-${document.id}.${DOCUMENT_EXTENSIONS[document.mime]}"`,
    )
    .header('cache-control', 'private, no-store')
    .send(document.content);
}

export function sendLetter(reply: FastifyReply, pdf: Buffer, id: number | string) {
  return reply
    .type('application/pdf')
    .header('cache-control', 'no-store')
    .header('content-disposition', `attachment; filename="commitment-${id}.pdf"`)
    .send(pdf);
}
