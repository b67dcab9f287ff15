export { StatusLabel, toneOfResult } from './StatusLabel';
export type { StatusTone } from './StatusLabel';
