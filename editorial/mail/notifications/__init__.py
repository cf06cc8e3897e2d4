"""Team notifications (part of the mail door): who is told what, when, and the account page
where each person chooses. The record keeps the notices (editorial.models.notifications); this
package writes them from the audit log (events.py), mails them a minute later, collected
(sending.py, tasks.py), and serves the account page (views.py)."""
