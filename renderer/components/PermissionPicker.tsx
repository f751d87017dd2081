import { useMemo, useState } from 'react';
import type { PolicyView, PresetView, RiskClass } from '../../src/contract';
import { RiskBadges } from './RiskBadges';

/**
 * Choosing permissions: a preset in one click, or policies one by one,
 * each with its plain-word description and risks.
 */

const KIND_TITLES: Record<PolicyView['kind'], string> = {
  store: 'In your stores',
  user: 'Your account',
  server: 'The whole server',
  unknown: 'Other',
};

/** The badges of a policy; "All stores" only while the key covers them all. */
function badgesOf(policy: PolicyView, oneStore: boolean): RiskClass[] {
  return oneStore
    ? policy.risks.filter((r) => r !== 'all-stores')
    : policy.risks;
}

/** The permission picker of the new-key form. */
export function PermissionPicker({
  policies,
  presets,
  selected,
  onChange,
  oneStore = false,
}: {
  policies: readonly PolicyView[];
  presets: readonly PresetView[];
  selected: ReadonlySet<string>;
  onChange: (next: Set<string>) => void;
  /** True when the store choice limits the key to one store. */
  oneStore?: boolean;
}) {
  const [filter, setFilter] = useState('');
  const shown = useMemo(() => {
    const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
    return policies.filter((p) => {
      const text = `${p.title} ${p.description} ${p.policy}`.toLowerCase();
      return words.every((w) => text.includes(w));
    });
  }, [policies, filter]);

  const toggle = (policy: string) => {
    const next = new Set(selected);
    if (next.has(policy)) next.delete(policy);
    else next.add(policy);
    onChange(next);
  };
  const isPreset = (preset: PresetView) =>
    preset.permissions.length === selected.size &&
    preset.permissions.every((p) => selected.has(p));

  return (
    <fieldset className="picker">
      <legend>Permissions</legend>
      <div className="presets" role="group" aria-label="Presets">
        {presets.map((preset) => (
          <button
            key={preset.id}
            type="button"
            aria-pressed={isPreset(preset)}
            onClick={() => onChange(new Set(preset.permissions))}
            title={preset.description}
          >
            {preset.name}
          </button>
        ))}
      </div>
      <label>
        Find a permission
        <input
          type="search"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
        />
      </label>
      <div className="policy-list">
        {(['store', 'user', 'server', 'unknown'] as const).map((kind) => {
          const inKind = shown.filter((p) => p.kind === kind);
          if (inKind.length === 0) return null;
          return (
            <fieldset key={kind}>
              <legend>{KIND_TITLES[kind]}</legend>
              {inKind.map((p) => (
                <label key={p.policy} className="policy">
                  <input
                    type="checkbox"
                    checked={selected.has(p.policy)}
                    onChange={() => toggle(p.policy)}
                  />
                  <span>
                    <span className="policy-title">{p.title}</span>
                    <RiskBadges risks={badgesOf(p, oneStore)} />
                    <span className="muted policy-description">
                      {p.description}
                    </span>
                  </span>
                </label>
              ))}
            </fieldset>
          );
        })}
      </div>
      <p className="muted" aria-live="polite">
        {selected.size} selected
      </p>
    </fieldset>
  );
}
