export { createFleetService } from './createFleetService';
export type { FleetService } from './createFleetService';
