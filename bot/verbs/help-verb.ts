import { VerbHandler } from '../handler-types';
import { helpFor } from '../help';

/** `help.show`: the help card in place. */
export const helpShow: VerbHandler = async (_context, { deps, actor, scope }) => helpFor(deps, actor, scope);
