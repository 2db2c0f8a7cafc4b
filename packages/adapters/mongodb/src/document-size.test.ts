import { describe, expect, it } from 'vitest';
import { assertDocumentSize, maxDocumentBytes } from './document-size.js';
import { MongoDocumentTooLargeError } from './mongo-errors.js';

// A document {_id, s} whose BSON size is exactly `bytes`: 4 (length) + 1 (end) + _id and s elements.
const documentOf = (bytes: number) => {
  const overhead = 4 + 1 + (1 + 4 + 4 + 2) + (1 + 2 + 4 + 1);
  return { _id: 'a', s: 'x'.repeat(bytes - overhead) };
};

describe('assertDocumentSize', () => {
  it('accepts a document of exactly 16 MiB, the server limit', () => {
    expect(() => assertDocumentSize('rm_x', 'a', documentOf(maxDocumentBytes))).not.toThrow();
  });

  it('refuses one byte more with a typed error naming collection, id and size', () => {
    const attempt = () => assertDocumentSize('rm_x', 'a', documentOf(maxDocumentBytes + 1));
    expect(attempt).toThrow(MongoDocumentTooLargeError);
    expect(attempt).toThrow(
      expect.objectContaining({
        code: 'MONGO_DOCUMENT_TOO_LARGE',
        collection: 'rm_x',
        id: 'a',
        size: maxDocumentBytes + 1,
      }),
    );
  });

  it('measures undefined fields as left out, as the stores write them', () => {
    const document = { ...documentOf(maxDocumentBytes), gone: undefined };
    expect(() => assertDocumentSize('rm_x', 'a', document)).not.toThrow();
  });
});
