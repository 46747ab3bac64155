import { ApplicationDoc } from '../../../services/applications/application';
import { javFlags, sameName } from '../../../services/review/jav';

function app(organisation: string): ApplicationDoc {
  return {
    _id: 'a1',
    ownerId: 'owner',
    ownerName: 'Anna Andersson',
    status: 'in_review',
    inputs: { organisation },
  } as unknown as ApplicationDoc;
}

describe('jäv by organisation', () => {
  it('when the wizard and the profile spell the organisation with other case, spacing or a hyphen, then they are the same', () => {
    expect(sameName('  Utbildningsförvaltningen ', 'utbildningsförvaltningen')).toBe(true);
    expect(sameName('Utbildnings förvaltningen', 'UTBILDNINGSFÖRVALTNINGEN')).toBe(true);
    expect(sameName('Kommungemensam-IT', 'kommungemensam IT')).toBe(true);
    expect(sameName('Socialförvaltningen', 'Utbildningsförvaltningen')).toBe(false);
    expect(sameName('', '')).toBe(false);
  });

  it('when a reviewer belongs to the applying organisation as typed in the wizard, then the reviewer is flagged', () => {
    const flags = javFlags(app('Utbildningsförvaltningen '), {
      aadObjectId: 'fredrik',
      name: 'Fredrik Falk',
      organisation: 'utbildningsförvaltningen',
    });
    expect(flags).toEqual([{ kind: 'organisation', detail: 'Utbildningsförvaltningen' }]);
  });
});
