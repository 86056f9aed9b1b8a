/** Codes of the interceptor stages (none is thrown on the packet path today; kept for the module contract). */
export type InterceptorErrorCode = 'INTERCEPTOR_BAD_ARGUMENT';

export class InterceptorError extends Error {
  readonly code: InterceptorErrorCode;
  constructor(code: InterceptorErrorCode, message: string) {
    super(message);
    this.name = 'InterceptorError';
    this.code = code;
  }
}
