/** Front door of the email feature: the mailer (SMTP or record-only), recorded sending and the dev outbox. */
export { createMailer, type Mailer, type EmailMessage } from './mailer';
export { sendEmail, type SendResult } from './domain';
export { devOutboxRouter } from './routes';
