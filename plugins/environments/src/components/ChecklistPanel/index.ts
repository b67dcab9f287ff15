export { ChecklistPanel, groupChecklist } from './ChecklistPanel';
