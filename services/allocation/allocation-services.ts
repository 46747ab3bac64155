import { DecisionRepository } from '../decisions/decision-repository';
import { Store } from '../store/store';
import { AllocationRoundRepository } from './allocation-round';
import { FrameLedgerRepository } from './frame-ledger';
import { OwnerAcceptanceRepository } from './owner-acceptance';

/** Allocation's and decisions' repositories, one entry in Services. */
export class AllocationServices {
  readonly ledgers: FrameLedgerRepository;
  readonly rounds: AllocationRoundRepository;
  readonly owners: OwnerAcceptanceRepository;
  readonly decisions: DecisionRepository;

  constructor(store: Store) {
    this.ledgers = new FrameLedgerRepository(store);
    this.rounds = new AllocationRoundRepository(store);
    this.owners = new OwnerAcceptanceRepository(store);
    this.decisions = new DecisionRepository(store);
  }

  async init(): Promise<void> {
    await this.ledgers.init();
    await this.rounds.init();
    await this.owners.init();
    await this.decisions.init();
  }
}
