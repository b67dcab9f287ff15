import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { StatusLabel } from './StatusLabel';

describe('StatusLabel', () => {
  it('shows its words to assistive technology, inline after the icon', async () => {
    await renderInTestApp(<StatusLabel tone="ok">Healthy</StatusLabel>);
    const words = screen.getByText('Healthy');
    expect(words.closest('[aria-hidden="true"]')).toBeNull();
    expect(words).not.toHaveAttribute('aria-label');
    // the icon itself stays decorative
    expect(words.querySelector('svg')).toHaveAttribute('aria-hidden', 'true');
  });
});
