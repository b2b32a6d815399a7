/** Catches a render error (or a lazy chunk that failed to load) in part of a page and shows a fallback instead. */
import { Component, type ErrorInfo, type ReactNode } from 'react';

/** Props of ErrorBoundary. */
export interface ErrorBoundaryProps {
  /** What to show when `children` throw, given the error. */
  fallback: (error: Error) => ReactNode;
  /** The part of the page to guard. */
  children: ReactNode;
}

/** React error boundary: the rest of the page keeps working when the guarded part fails. */
export class ErrorBoundary extends Component<ErrorBoundaryProps, { error: Error | null }> {
  override state: { error: Error | null } = { error: null };

  static getDerivedStateFromError(error: unknown): { error: Error } {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    // Keep the cause visible to developers; the user sees the fallback.
    console.warn('Part of the page failed to render', error, info.componentStack);
  }

  override render(): ReactNode {
    return this.state.error ? this.props.fallback(this.state.error) : this.props.children;
  }
}
