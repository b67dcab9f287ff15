/**
 * Test helpers shared by this repository's suites; a dev dependency only, never published.
 *
 * @packageDocumentation
 */
export {
  describeWhenAvailable,
  servicesRequired,
} from './describeWhenAvailable';
