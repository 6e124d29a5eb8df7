import { describe, expect, it } from 'vitest';
import { allowedActions, FILING_ACTIONS, FILING_STATES, isEditable, nextState } from './transitions.js';

describe('filing transitions', () => {
  it('moves a filing along its one path and back after a return or a suspension', () => {
    expect(nextState('draft', 'submit')).toBe('submitted');
    expect(nextState('submitted', 'inspect')).toBe('inspected');
    expect(nextState('inspected', 'approve')).toBe('approved');
    expect(nextState('approved', 'suspend')).toBe('suspended');
    expect(nextState('suspended', 'approve')).toBe('approved');
    expect(nextState('suspended', 'return')).toBe('returned');
    expect(nextState('submitted', 'return')).toBe('returned');
    expect(nextState('inspected', 'return')).toBe('returned');
    expect(nextState('returned', 'submit')).toBe('submitted');
  });

  it('refuses every other move', () => {
    const allowed = new Set([
      'draft:submit',
      'returned:submit',
      'submitted:inspect',
      'inspected:approve',
      'suspended:approve',
      'submitted:return',
      'inspected:return',
      'suspended:return',
      'approved:suspend',
    ]);
    for (const state of FILING_STATES)
      for (const action of FILING_ACTIONS)
        expect(nextState(state, action) !== null, `${state}:${action}`).toBe(
          allowed.has(`${state}:${action}`),
        );
    // Approval needs an inspection first; a draft cannot be approved or suspended.
    expect(nextState('submitted', 'approve')).toBeNull();
    expect(allowedActions('draft')).toEqual(['submit']);
    expect(allowedActions('approved')).toEqual(['suspend']);
  });

  it('lets only a draft or a returned filing be edited', () => {
    expect(FILING_STATES.filter(isEditable)).toEqual(['draft', 'returned']);
  });
});
