export { StageCard } from './StageCard';
