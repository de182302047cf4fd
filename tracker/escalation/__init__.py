"""What a delivery partner does about a participant who falls behind: one verb per module.

contacts.log_contact, extensions.agree_extension, deferrals.defer / return_from_deferral,
withdrawals.propose_withdrawal / confirm_withdrawal / decline_withdrawal. Each checks its
input, writes the record and the audit events, and leaves the commit to the caller.
A refusal is tracker.refusal.Refusal, naming the form field at fault.
"""
