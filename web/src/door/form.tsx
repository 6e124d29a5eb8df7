// A small form kit for the door page: values, checks on the phone before sending, the server's field
// problems under their fields. Native inputs, so the phone's own keyboards and date picker appear.
import { type ReactNode, useState } from 'react';
import { type ApiError, isApiError } from '../api/client';

/** A check of one field, which may look at the others (the ID number at the document type). */
export type Check<T, V = unknown> = (value: T, values: V) => string | null;
type Checks<V> = { [K in keyof V]?: Array<Check<V[K], V>> };
type Problems<V> = Partial<Record<keyof V, string>>;

export function useForm<V extends object>(initial: V, checks: Checks<V>) {
  const [values, setValues] = useState<V>(initial);
  const [problems, setProblems] = useState<Problems<V>>({});
  const [tried, setTried] = useState(false);

  const problemOf = <K extends keyof V>(name: K, value: V[K], all: V = values): string | undefined => {
    for (const check of checks[name] ?? []) {
      const problem = check(value, all);
      if (problem) return problem;
    }
    return undefined;
  };
  const show = <K extends keyof V>(name: K, value: V[K]) =>
    setProblems((current) => ({ ...current, [name]: problemOf(name, value) }));

  return {
    values,
    problems,
    set<K extends keyof V>(name: K, value: V[K]) {
      setValues((current) => ({ ...current, [name]: value }));
      // Once a problem is shown (or a send was tried), it follows the typing.
      if (tried || problems[name]) show(name, value);
    },
    /** Checks a field when it is left (the ID number: its check character). */
    leave<K extends keyof V>(name: K) {
      if (values[name] !== initial[name]) show(name, values[name]);
    },
    /** Checks everything; false (with the problems shown, the first field focused) when something is wrong. */
    validate(): boolean {
      setTried(true);
      const next: Problems<V> = {};
      for (const name of Object.keys(checks) as Array<keyof V>) next[name] = problemOf(name, values[name]);
      setProblems(next);
      const first = (Object.keys(next) as Array<keyof V & string>).find((name) => next[name]);
      if (first) document.getElementById(first)?.focus();
      return !first;
    },
    /** Puts the server's field problems (already in the page's language) under their fields; false when none fits. */
    showServerProblems(error: unknown): boolean {
      if (!isApiError(error) || error.details.length === 0) return false;
      const next: Problems<V> = {};
      for (const detail of (error as ApiError).details) {
        const name = detail.field.replace(/^(body)?[./]*/, '').split(/[./]/)[0] as keyof V & string;
        if (name in values) next[name] = detail.message;
      }
      if (Object.keys(next).length === 0) return false;
      setProblems((current) => ({ ...current, ...next }));
      return true;
    },
  };
}

export function Field({
  id,
  label,
  problem,
  extra,
  optionalLabel,
  group = false,
  children,
}: {
  id: string;
  label: string;
  problem?: string;
  extra?: ReactNode;
  /** Shown after the label of a field that may stay empty. */
  optionalLabel?: string;
  /** A set of choices (radio chips) rather than one input: labelled as a group. */
  group?: boolean;
  children: ReactNode;
}) {
  const heading = (
    <>
      {label}
      {optionalLabel && <span className="field-optional">{optionalLabel}</span>}
    </>
  );
  return (
    <div className={`field${problem ? ' field-invalid' : ''}`}>
      {group ? (
        <div className="field-label" id={`${id}-label`}>
          {heading}
        </div>
      ) : (
        <label className="field-label" htmlFor={id}>
          {heading}
        </label>
      )}
      {children}
      {problem && (
        <div className="field-error" role="alert" data-testid="field-error">
          {problem}
        </div>
      )}
      {extra && !problem && <div className="field-extra">{extra}</div>}
    </div>
  );
}

export interface Choice<T extends string | number> {
  value: T;
  label: string;
  className?: string;
  testId?: string;
}

/** Choices as chips to tap: native radio buttons under the labels. */
export function Chips<T extends string | number>({
  id,
  value,
  onChange,
  choices,
  className = '',
}: {
  id: string;
  value: T | undefined;
  onChange: (value: T) => void;
  choices: Array<Choice<T>>;
  className?: string;
}) {
  return (
    <div
      className={`chips ${className}`}
      role="radiogroup"
      aria-labelledby={`${id}-label`}
      id={id}
      tabIndex={-1}
    >
      {choices.map((choice) => (
        <label
          key={choice.value}
          className={`chip ${choice.className ?? ''}${choice.value === value ? ' chip-on' : ''}`}
          data-testid={choice.testId}
        >
          <input
            type="radio"
            name={id}
            value={String(choice.value)}
            checked={choice.value === value}
            onChange={() => onChange(choice.value)}
          />
          <span>{choice.label}</span>
        </label>
      ))}
    </div>
  );
}
