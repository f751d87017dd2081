import { useState, type FormEvent } from 'react';
import type { Settings } from '../../src/contract';
import { call, useApi } from '../api';
import { FailureNotice, Loading } from '../components/Status';
import { useAction, useOperation } from '../hooks';
import { applyTheme } from '../theme';

/** Settings: rotation age, timeouts and theme. */

function SettingsForm({ initial }: { initial: Settings }) {
  const api = useApi();
  const { busy, failure, run } = useAction();
  const [settings, setSettings] = useState(initial);
  const [saved, setSaved] = useState(false);
  const number = (field: keyof Omit<Settings, 'theme'>) => ({
    type: 'number' as const,
    min: 1,
    required: true,
    value: settings[field],
    onChange: (e: React.ChangeEvent<HTMLInputElement>) => {
      setSaved(false);
      setSettings({ ...settings, [field]: Number(e.target.value) });
    },
  });
  const save = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      const stored = await call(api, 'saveSettings', settings);
      setSettings(stored);
      applyTheme(stored.theme);
      setSaved(true);
    });
  };
  return (
    <form className="form" onSubmit={save}>
      <label>
        Suggest rotating keys older than (days)
        <input {...number('rotationDays')} />
      </label>
      <label>
        Flag keys not verified for (days)
        <input {...number('staleVerificationDays')} />
      </label>
      <label>
        Wait for a browser approval for (seconds)
        <input {...number('authorizeTimeoutSeconds')} />
      </label>
      <label>
        Wait for the OS keychain for (seconds)
        <input {...number('keychainTimeoutSeconds')} />
      </label>
      <label>
        Theme
        <select
          value={settings.theme}
          onChange={(e) => {
            setSaved(false);
            setSettings({
              ...settings,
              theme: e.target.value as Settings['theme'],
            });
          }}
        >
          <option value="system">Follow the system</option>
          <option value="light">Light</option>
          <option value="dark">Dark</option>
        </select>
      </label>
      {failure && <FailureNotice failure={failure} />}
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          Save settings
        </button>
        {saved && <span role="status">Saved.</span>}
      </div>
    </form>
  );
}

/** The settings screen. */
export function SettingsScreen() {
  const { data, reload } = useOperation('getSettings', {});
  return (
    <section className="screen" aria-labelledby="settings-title">
      <h1 id="settings-title">Settings</h1>
      {data.state === 'loading' && <Loading label="Loading settings…" />}
      {data.state === 'failed' && (
        <FailureNotice failure={data.failure} onRetry={reload} />
      )}
      {data.state === 'ready' && <SettingsForm initial={data.value} />}
    </section>
  );
}
