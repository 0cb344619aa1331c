// Moved to lib/checks/services.ts, which the report reads too (a service's main stack is its serving one).
export { isServingStack, SERVING_TYPES } from '../services';
