import { ApertureError } from '../shared/errors.ts';
import { type HumanViewer, isHuman, type Viewer } from './viewer.ts';

/** A human viewer who may govern (agents, intents, policies): a member of the governance group. */
export type GovernanceViewer = HumanViewer;

export function isGovernance(viewer: Viewer, governanceGroup: string): viewer is GovernanceViewer {
  return isHuman(viewer) && viewer.human.groups.includes(governanceGroup);
}

/** Governance operations need a human token of the governance group; an agent token never qualifies. */
export function requireGovernance(viewer: Viewer, governanceGroup: string): GovernanceViewer {
  if (viewer.kind === 'anonymous') throw new ApertureError('UNAUTHENTICATED', 'authentication is required');
  if (!isGovernance(viewer, governanceGroup)) {
    throw new ApertureError(
      'FORBIDDEN',
      viewer.kind === 'agent'
        ? 'agents cannot perform governance operations'
        : `governance operations need membership of the ${governanceGroup} group`,
    );
  }
  return viewer;
}
