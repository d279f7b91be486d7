// Package notify owns badged's email: the templates of every notification
// (nl and en, plain text and HTML), the outbox that keeps each email until
// it is delivered, and delivery over SMTP.
//
// # Outbox
//
// Services call [Outbox.Enqueue] with a [Message]: a template, its typed
// data (such as [BadgeReceived]) and a recipient. The message is rendered at
// once and stored as a [Mail]. Enqueue is idempotent per Message.ID, so a
// job that is retried after a crash never sends an email twice.
//
// # Delivery
//
// A [Deliverer] sends the mails that are due through a [Sender], normally
// an [SMTP] built from a [Config]. A failed attempt is retried with
// exponential backoff until MaxAttempts; the last error is kept on the
// mail. Without SMTP configured (a demo), nothing is sent and the outbox is
// read by institution admins through [Outbox.List].
//
// # Storage
//
// [Store] is implemented by storage/bolt and storage/postgres, both of which
// pass storage/storagetest.RunOutbox.
package notify
