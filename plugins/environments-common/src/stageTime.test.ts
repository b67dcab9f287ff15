import { formatStageTime } from './stageTime';

describe('formatStageTime', () => {
  it('says the time in the given zone and names the zone', () => {
    expect(formatStageTime('2026-12-07T08:00:00Z', 'Europe/Berlin')).toBe(
      'Mon 7 Dec, 09:00 CET',
    );
    expect(
      formatStageTime(new Date('2026-07-06T07:00:00Z'), 'Europe/Berlin'),
    ).toBe('Mon 6 Jul, 09:00 CEST');
  });

  it('gives the text back for an unknown zone instead of throwing', () => {
    expect(formatStageTime('2026-12-07T08:00:00Z', 'Mars/Olympus')).toBe(
      '2026-12-07T08:00:00Z',
    );
  });
});
