/**
 * Days after which S3 aborts a multipart upload that never completed, in every bucket the library
 * makes: the parts of an abandoned upload are billed and invisible to listings, and a week covers any
 * upload that is still alive.
 */
export const ABORT_INCOMPLETE_UPLOADS_AFTER_DAYS = 7;
