export { DriftNotice } from './DriftNotice';
