// The plan editor: a bus's day plan as fields (its id, zone and depot, then each stop), checked
// with the shared schema as it is typed once a first check was asked for, each problem on its
// field; publishing is for planners.
import { useEffect, useRef, useState } from 'react';
import { Button } from 'react-aria-components';
import type { PlanMessage } from '@fsbus/shared';
import { useText } from '../i18n/i18n.js';
import { Field } from './Field.js';
import {
  checkDraft,
  emptyStop,
  type DraftStop,
  type PlanDraft,
  type PlanFileProblem,
  type Problems,
} from './model/plan-draft.js';
import type { ProblemText } from './model/plan-problems.js';

/** The paths of the fields the editor shows; a problem elsewhere is said under the stops. */
const FIELD =
  /^(planId|timeZone|depot\.(name|lat|lon|radiusM)|stops\.\d+\.(stopId|name|commune|lat|lon|radiusM|arrival|departure))$/;

export interface PlanEditorProps {
  readonly busId: string;
  readonly draft: PlanDraft;
  readonly onDraft: (draft: PlanDraft) => void;
  readonly canPublish: boolean;
  /** The id of the plan the bus has for that day, if any: a new version needs another. */
  readonly publishedId: string | null;
  readonly onPublish: (message: PlanMessage) => Promise<void>;
  readonly onLoadFile: (text: string) => void;
  readonly fileProblem: PlanFileProblem | null;
}

export function PlanEditor(props: PlanEditorProps) {
  const { t } = useText();
  const { busId, draft, onDraft, canPublish } = props;
  const [checking, setChecking] = useState(false);
  // Opened further down the page: the keyboard and screen readers go there.
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    heading.current?.focus();
  }, [busId]);
  const [busy, setBusy] = useState(false);
  const check = () => {
    const result = checkDraft(draft, busId);
    // The bridge keeps the plan it holds when the same id comes again: a change needs a new id.
    if (props.publishedId === null || draft.planId.trim() !== props.publishedId) return result;
    const problems = result.ok ? {} : result.problems;
    return {
      ok: false as const,
      problems: { ...problems, planId: { key: 'plans.idTaken' as const } },
    };
  };
  const say = (problem: ProblemText | undefined) =>
    problem === undefined ? undefined : t(problem.key, problem.values);
  const checked = checking ? check() : null;
  const problems: Problems = checked !== null && !checked.ok ? checked.problems : {};
  const count = Object.keys(problems).length;

  const setStop = (index: number, change: Partial<DraftStop>) => {
    onDraft({
      ...draft,
      stops: draft.stops.map((stop, i) => (i === index ? { ...stop, ...change } : stop)),
    });
  };
  const move = (index: number, by: -1 | 1) => {
    const stops = [...draft.stops];
    const [stop] = stops.splice(index, 1);
    if (stop === undefined) return;
    stops.splice(index + by, 0, stop);
    onDraft({ ...draft, stops });
  };
  const readOnly = !canPublish;

  return (
    <form
      className="plan-editor"
      aria-labelledby="editor-title"
      onSubmit={(event) => {
        event.preventDefault();
        setChecking(true);
        const result = check();
        if (!result.ok || !canPublish) return;
        setBusy(true);
        void props.onPublish(result.message).finally(() => {
          setBusy(false);
        });
      }}
    >
      <h3 id="editor-title" ref={heading} tabIndex={-1}>
        {t('plans.editorOf', { bus: busId, date: draft.date })}
      </h3>
      {canPublish && (
        <label className="field file">
          <span>{t('plans.file')}</span>
          <input
            type="file"
            accept="application/json,.json"
            onChange={(event) => {
              const file = event.target.files?.[0];
              if (file) void file.text().then(props.onLoadFile);
            }}
          />
        </label>
      )}
      {props.fileProblem !== null && (
        <p className="problem" role="alert">
          {props.fileProblem.field === null
            ? t('plans.fileProblem', { problem: say(props.fileProblem.text) })
            : t('plans.fileProblemAt', {
                field: props.fileProblem.field,
                problem: say(props.fileProblem.text),
              })}
        </p>
      )}
      <div className="plan-head">
        <Field
          label={t('plans.planId')}
          value={draft.planId}
          onChange={(planId) => {
            onDraft({ ...draft, planId });
          }}
          problem={say(problems.planId)}
          isReadOnly={readOnly}
        />
        <Field
          label={t('plans.timeZone')}
          value={draft.timeZone}
          onChange={(timeZone) => {
            onDraft({ ...draft, timeZone });
          }}
          problem={say(problems.timeZone)}
          isReadOnly={readOnly}
        />
      </div>
      <fieldset className="depot">
        <legend>{t('plans.depot')}</legend>
        <Field
          label={t('plans.depotName')}
          value={draft.depot.name}
          onChange={(name) => {
            onDraft({ ...draft, depot: { ...draft.depot, name } });
          }}
          problem={say(problems['depot.name'])}
          isReadOnly={readOnly}
        />
        {(['lat', 'lon', 'radiusM'] as const).map((key) => (
          <Field
            key={key}
            label={t(`plans.${key}`)}
            value={draft.depot[key]}
            inputMode="decimal"
            onChange={(value) => {
              onDraft({ ...draft, depot: { ...draft.depot, [key]: value } });
            }}
            problem={say(problems[`depot.${key}`])}
            isReadOnly={readOnly}
          />
        ))}
      </fieldset>
      <ol className="plan-stops">
        {draft.stops.map((stop, index) => {
          const at = (key: keyof DraftStop) => say(problems[`stops.${String(index)}.${key}`]);
          const field = (
            key: Exclude<keyof DraftStop, 'key'>,
            extra: { type?: 'time'; inputMode?: 'decimal' } = {},
          ) => (
            <Field
              key={key}
              label={t(`plans.stop.${key}`)}
              value={stop[key]}
              onChange={(value) => {
                setStop(index, { [key]: value });
              }}
              problem={at(key)}
              isReadOnly={readOnly}
              className={`stop-${key}`}
              {...extra}
            />
          );
          return (
            <li key={stop.key} className="plan-stop">
              <fieldset>
                <legend>{t('plans.stopN', { n: index + 1, name: stop.name || '…' })}</legend>
                <div className="stop-fields">
                  {field('stopId')}
                  {field('name')}
                  {field('commune')}
                  {field('lat', { inputMode: 'decimal' })}
                  {field('lon', { inputMode: 'decimal' })}
                  {field('radiusM', { inputMode: 'decimal' })}
                  {field('arrival', { type: 'time' })}
                  {field('departure', { type: 'time' })}
                </div>
                {canPublish && (
                  <div className="stop-actions">
                    <Button
                      className="button"
                      aria-label={t('plans.upOf', { n: index + 1 })}
                      isDisabled={index === 0}
                      onPress={() => {
                        move(index, -1);
                      }}
                    >
                      {t('plans.up')}
                    </Button>
                    <Button
                      className="button"
                      aria-label={t('plans.downOf', { n: index + 1 })}
                      isDisabled={index === draft.stops.length - 1}
                      onPress={() => {
                        move(index, 1);
                      }}
                    >
                      {t('plans.down')}
                    </Button>
                    <Button
                      className="button"
                      aria-label={t('plans.removeOf', { n: index + 1 })}
                      isDisabled={draft.stops.length === 1}
                      onPress={() => {
                        onDraft({ ...draft, stops: draft.stops.filter((_, i) => i !== index) });
                      }}
                    >
                      {t('plans.remove')}
                    </Button>
                  </div>
                )}
              </fieldset>
            </li>
          );
        })}
      </ol>
      {Object.entries(problems)
        .filter(([path]) => !FIELD.test(path))
        .map(([path, problem]) => (
          <p key={path} className="problem">
            {say(problem)}
          </p>
        ))}
      {canPublish && (
        <div className="editor-actions">
          <Button
            className="button"
            onPress={() => {
              onDraft({ ...draft, stops: [...draft.stops, emptyStop()] });
            }}
          >
            {t('plans.add')}
          </Button>
          <Button type="submit" className="button primary" isDisabled={busy}>
            {busy ? t('plans.publishing') : t('plans.publish')}
          </Button>
        </div>
      )}
      <p className="problem" role="alert">
        {count > 0 ? t('plans.problems', { count }) : ''}
      </p>
    </form>
  );
}
