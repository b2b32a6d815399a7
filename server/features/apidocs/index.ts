/** Front door of the API documentation feature: the OpenAPI 3.1 document generated from shared/schemas and its HTML page. */
export { apiDocsRouter } from './routes';
export { openApiDocument, ENDPOINTS, type OpenApiDocument } from './document';
export { renderDocsPage, operationAnchor } from './html';
