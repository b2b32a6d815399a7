/** Loads /api/config once per page load and shares it between every component that asks. */
import { useEffect, useState } from 'react';
import { fetchAppConfig, type AppConfigDto } from '../api/config';

/** Where the configuration request is: loading, ready with the config, or failed with a showable message. */
export type AppConfigState =
  { status: 'loading' } | { status: 'ready'; config: AppConfigDto } | { status: 'error'; message: string };

// One request for the whole app; a failure is forgotten so the next component that mounts tries again.
let pending: Promise<AppConfigDto> | undefined;
let loaded: AppConfigDto | undefined;

function loadOnce(): Promise<AppConfigDto> {
  pending ??= fetchAppConfig().then(
    (config) => {
      loaded = config;
      return config;
    },
    (error: unknown) => {
      pending = undefined;
      throw error;
    },
  );
  return pending;
}

/** Starts loading the configuration now (e.g. before a lazily loaded map mounts); failures surface in useAppConfig. */
export function preloadAppConfig(): void {
  loadOnce().catch(() => undefined);
}

/** Returns the runtime configuration (tile URL and attribution), fetching it the first time any component asks. */
export function useAppConfig(): AppConfigState {
  const [state, setState] = useState<AppConfigState>(() =>
    loaded ? { status: 'ready', config: loaded } : { status: 'loading' },
  );
  useEffect(() => {
    // Also when already loaded: the settled promise costs nothing and avoids a race with a concurrent first load.
    let isCurrent = true;
    loadOnce().then(
      (config) => {
        if (isCurrent) setState((current) => (current.status === 'ready' ? current : { status: 'ready', config }));
      },
      (error: unknown) => {
        const message = error instanceof Error ? error.message : 'Unknown error';
        if (isCurrent) setState({ status: 'error', message });
      },
    );
    return () => {
      isCurrent = false;
    };
  }, []);
  return state;
}
