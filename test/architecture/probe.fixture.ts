// A file the literal scan must flag.
export const probe = { healthyThreshold: 3 };
