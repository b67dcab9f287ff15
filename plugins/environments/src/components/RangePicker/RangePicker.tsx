import Button from '@material-ui/core/Button';
import ButtonGroup from '@material-ui/core/ButtonGroup';

/** A row of toggle buttons for a time range; the chosen one is pressed. */
export function RangePicker<R extends string>(props: {
  label: string;
  ranges: readonly R[];
  value: R;
  onChange: (range: R) => void;
}) {
  const { label, ranges, value, onChange } = props;
  return (
    <ButtonGroup size="small" aria-label={label}>
      {ranges.map(option => (
        <Button
          key={option}
          aria-pressed={option === value}
          variant={option === value ? 'contained' : 'outlined'}
          color={option === value ? 'primary' : 'default'}
          onClick={() => onChange(option)}
        >
          {option}
        </Button>
      ))}
    </ButtonGroup>
  );
}
