/** Types for what Vite resolves in client code: asset imports (images, CSS) and import.meta.env. */
/// <reference types="vite/client" />
