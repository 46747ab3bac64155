/** A complete, valid set of wizard inputs per step, as a user would type them. */
export const VALID_STEPS: Record<string, string>[] = [
  {
    title: 'Digital ansökan om förskoleplats',
    portfolioId: 'p1',
    part: 'improvement',
    organisation: 'Utbildningsförvaltningen',
    contactName: 'Anna Andersson',
    contactEmail: 'anna.andersson@stad.example',
    crossOrganisational: 'false',
    partnerOrganisations: '',
  },
  {
    need: 'Föräldrar ansöker i dag på papper och handläggningen tar tre veckor.',
    userGroups: 'Vårdnadshavare och handläggare på förskoleenheten; efterfrågat av förskolechefer.',
    kfGoals: 'attractive,costEffective',
    kfGoalMotivation: 'Snabbare service och lägre handläggningskostnad.',
  },
  {
    citizenBenefit: 'Besked inom två dagar i stället för tre veckor.',
    internalBenefit: 'Handläggarna slipper manuell registrering.',
    yearlyEffectSek: '1,2 mkr',
    yearlyEffectHours: '2 000',
    realisationPlan: 'Två handläggartjänster omfördelas under 2027.',
    realisationOwner: 'Avdelningschef förskola',
  },
  {
    devCost: '1 200 000',
    yearlyRunningCost: '150 tkr',
    shareOrg1: 'Utbildningsförvaltningen',
    sharePercent1: '70',
    shareOrg2: 'Stadsledningskontoret',
    sharePercent2: '30',
  },
  {
    ownerName: 'E-tjänstförvaltningen',
    ownerOrganisation: 'Stadsledningskontoret',
    ownerEmail: 'etjanst@stad.example',
    startDate: '2027-02-01',
    endDate: '2027-11-30',
    isStage: 'false',
  },
  {
    reuse: 'common',
    reuseDetails: 'Byggs på stadens gemensamma e-tjänsteplattform.',
    securityClass: '1',
    accessibilityPlan: 'Granskas mot WCAG 2.1 AA före lansering.',
  },
];
