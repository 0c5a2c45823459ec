import { useState } from 'react';
import { useApiQuery } from '../../api/use-api.ts';
import { formatCount, formatPercent, plural } from '../../ui/format.ts';
import { Stats } from '../../ui/stat.tsx';
import { ErrorNotice, Loading } from '../../ui/status.tsx';
import { YamlEditor } from '../../ui/yaml-editor.tsx';
import { type LocatedProblem, locateProblems, parseYaml, toYaml } from '../../ui/yaml-source.ts';
import { type RuleSimulation, simulateRuleQuery } from './documents.ts';

/** Edits a draft rule as YAML and backtests it over the requests people decided (simulateRule). */
export function DraftSimulation({ draft }: { draft: unknown }) {
  const [text, setText] = useState(() => (draft ? toYaml(draft) : ''));
  const [problems, setProblems] = useState<LocatedProblem[]>([]);
  const [rule, setRule] = useState<{ value: unknown; text: string } | null>(null);
  const simulation = useApiQuery(
    simulateRuleQuery,
    { rule: rule?.value ?? null },
    { enabled: rule !== null },
  );
  const apiProblems = simulation.error?.problems ?? [];
  const shownProblems = problems.length > 0 ? problems : rule ? locateProblems(rule.text, apiProblems) : [];

  return (
    <div className="stack">
      <YamlEditor
        label="Draft rule (YAML)"
        value={text}
        onChange={setText}
        problems={shownProblems}
        rows={12}
        hint="The rule file format. Change the conditions, the action or the duration and simulate it: nothing is applied."
      />
      <div className="row">
        <button
          type="button"
          className="button"
          onClick={() => {
            const parsed = parseYaml(text);
            if (!parsed.ok) {
              setProblems(parsed.problems);
              return;
            }
            setProblems([]);
            setRule({ value: parsed.value, text });
          }}
        >
          Simulate
        </button>
      </div>
      {rule && simulation.isFetching ? <Loading what="the simulation" /> : null}
      {simulation.error && apiProblems.length === 0 ? <ErrorNotice error={simulation.error} /> : null}
      {simulation.data && !simulation.error ? (
        <SimulationResult simulation={simulation.data.simulateRule} />
      ) : null}
    </div>
  );
}

function SimulationResult({ simulation }: { simulation: RuleSimulation }) {
  const { notMe } = simulation;
  return (
    <section className="stack" aria-label="Simulation" aria-live="polite">
      {notMe.approvedByDraft > 0 ? (
        <p className="notice notice-warn" role="alert">
          This draft would approve {plural(notMe.approvedByDraft, 'request')} the person called “not me”
          {notMe.approvedWithRules > 0
            ? ` (${formatCount(notMe.approvedWithRules)} even with the rules in force)`
            : ' on its own (not with the rules in force)'}
          : {notMe.approvedExamples.map((id) => id.slice(0, 8)).join(', ')}. Narrow its conditions so that it
          leaves them out before making it a rule.
        </p>
      ) : null}
      <p>
        Rule <code>{simulation.ruleId}</code> would {simulation.action} {formatCount(simulation.matched)} of
        the {formatCount(simulation.decisions)} requests people decided.
      </p>
      <Stats
        label="Backtest of the draft"
        items={[
          { label: 'Matched', value: formatCount(simulation.matched) },
          { label: 'People approved', value: formatCount(simulation.matchedApproved) },
          { label: 'People denied', value: formatCount(simulation.matchedDenied) },
          {
            label: 'Decided the other way',
            value: (
              <span className={simulation.overturned > 0 ? 'lost' : undefined}>
                {formatCount(simulation.overturned)} ({formatPercent(simulation.overturnRate)})
              </span>
            ),
          },
          {
            label: 'Decided by the draft with the rules in force',
            value: formatCount(simulation.withRules.decidedByDraft),
          },
        ]}
      />
      <p className="muted">
        With the rules in force: {formatCount(simulation.withRules.approve)} approved,{' '}
        {formatCount(simulation.withRules.deny)} denied, {formatCount(simulation.withRules.route)} routed to
        people.
        {simulation.overturnedExamples.length > 0
          ? ` Latest requests it would have decided the other way: ${simulation.overturnedExamples.map((id) => id.slice(0, 8)).join(', ')}.`
          : ''}
      </p>
    </section>
  );
}
