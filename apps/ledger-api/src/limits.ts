/** Request bodies above this are refused with 413 before any parsing work. */
export const BODY_LIMIT_BYTES = 64 * 1024;
