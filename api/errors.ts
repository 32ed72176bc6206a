/**
 * The error shape and codes of api.md: `{"error": {"code", "message", ...}}`.
 * Route code throws `ApiError`; the error middleware answers every error,
 * including those from express's body parser and from Temporal.
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const notFound = (message: string): ApiError => new ApiError(404, 'not_found', message);
export const forbiddenError = (message: string): ApiError => new ApiError(403, 'forbidden', message);
export const conflict = (message: string): ApiError => new ApiError(409, 'conflict', message);

/** 503 with the `outcome` of api.md: whether the call may have taken effect. */
export function unavailable(message: string, outcome: 'not_applied' | 'unknown'): ApiError {
  return new ApiError(503, 'unavailable', message, { outcome }, { 'Retry-After': '5' });
}

export function validationFailed(issues: { path: string; message: string }[]): ApiError {
  return new ApiError(400, 'validation_failed', 'the request is not valid', { issues });
}

/** Parses with a zod schema, or throws `400 validation_failed` listing every problem. */
export function parseOrThrow<T extends z.ZodType>(schema: T, value: unknown, prefix: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw validationFailed(
      result.error.issues.map((issue) => ({
        path: [prefix, ...issue.path.map(String)].filter(Boolean).join('.'),
        message: issue.message,
      })),
    );
  }
  return result.data;
}

export const unknownRoute: RequestHandler = (req) => {
  throw notFound(`no route ${req.method} ${req.path}`);
};

interface BodyParserError {
  type?: string;
  status?: number;
}

/** Node socket errors and PostgreSQL's shutdown codes: the database could not be reached. */
const DATABASE_UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', '57P01', '57P03', '08006', '08001']);

function isDatabaseUnreachable(err: unknown): boolean {
  const { code, message } = err as { code?: string; message?: string };
  if (code !== undefined && DATABASE_UNREACHABLE_CODES.has(code)) return true;
  // pg-pool's own wording when no connection could be had in time, or one was cut.
  return /timeout exceeded when trying to connect|Connection terminated/.test(message ?? '');
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    let apiError: ApiError;
    const parserError = err as BodyParserError;
    if (err instanceof ApiError) apiError = err;
    else if (parserError.type === 'entity.parse.failed') apiError = validationFailed([{ path: 'body', message: 'malformed JSON' }]);
    else if (parserError.type === 'entity.too.large') apiError = new ApiError(413, 'payload_too_large', 'the body is over 64 KiB');
    else if (parserError.type === 'encoding.unsupported' || parserError.type === 'charset.unsupported') {
      apiError = new ApiError(415, 'unsupported_media_type', 'unsupported body encoding');
    } else if (isDatabaseUnreachable(err)) {
      logger.warn({ err, method: req.method, route: req.route?.path }, 'database unreachable');
      // Every write of a request is one transaction, so a failure leaves nothing behind.
      apiError = unavailable('the database cannot be reached; retry later', 'not_applied');
    } else {
      logger.error({ err, method: req.method, route: req.route?.path }, 'unexpected error');
      apiError = new ApiError(500, 'internal', 'internal error');
    }
    res.status(apiError.status).set(apiError.headers).json({
      error: { code: apiError.code, message: apiError.message, ...apiError.extra },
    });
  };
}
