"""The statements on direct messages, blocks and resume tokens (tables of schema version 5)."""

from __future__ import annotations

from dataclasses import dataclass

from app.server.database import Database

SEQ_MAX = 2**31 - 1  # the largest key an INTEGER column holds on either engine


def pair_of(first_key: str, second_key: str) -> str:
    """The conversation between two accounts, the same whoever writes. The keys are joined
    by a space, which no name key holds (PRECIS refuses it); not NUL, which PostgreSQL's
    text cannot hold."""
    return " ".join(sorted((first_key, second_key)))


@dataclass(frozen=True, slots=True)
class StoredDirect:
    seq: int
    sender: str
    recipient: str
    text: str
    ts: str


@dataclass(frozen=True, slots=True)
class StoredToken:
    user_key: str
    verifier_hash: str
    expires_at: float


class DirectStore:
    """Direct messages, who blocked whom, and resume tokens, over the server's `Database`."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # direct messages

    def add_direct(
        self,
        sender: tuple[str, str],
        recipient: tuple[str, str],
        text: str,
        ts: str,
        delivered: bool,
        hidden: bool,
    ) -> int:
        """Commit one message from `sender` to `recipient` ((key, name) each); its seq."""
        with self.db.transaction():
            return self.db.insert(
                "INSERT INTO direct_messages (pair, sender_key, recipient_key, sender, "
                "recipient, text, ts, delivered, hidden) VALUES (:pair, :sk, :rk, :s, :r, "
                ":text, :ts, :delivered, :hidden)",
                pair=pair_of(sender[0], recipient[0]),
                sk=sender[0],
                rk=recipient[0],
                s=sender[1],
                r=recipient[1],
                text=text,
                ts=ts,
                delivered=int(delivered),
                hidden=int(hidden),
                id_column="seq",
            )

    def page(self, me: str, peer: str, before: int | None, limit: int) -> list[StoredDirect]:
        """Up to `limit` messages between `me` and `peer` (keys) older than `before`, newest
        first; a message hidden from `me` (I had blocked its sender) is left out."""
        rows = self.db.rows(
            "SELECT seq, sender, recipient, text, ts FROM direct_messages "
            "WHERE pair = :pair AND seq < :before AND (hidden = 0 OR sender_key = :me) "
            "ORDER BY seq DESC LIMIT :limit",
            pair=pair_of(me, peer),
            # Keys are 32-bit on PostgreSQL (INTEGER): a larger `before` means "the newest".
            before=min(before, SEQ_MAX) if before is not None else SEQ_MAX,
            me=me,
            limit=limit,
        )
        return [StoredDirect(int(q), str(s), str(r), str(t), str(ts)) for q, s, r, t, ts in rows]

    def unread(self, me: str, limit: int) -> dict[str, int]:
        """Per sender's name, messages to `me` not yet delivered: the `limit` conversations
        with the newest such messages."""
        rows = self.db.rows(
            "SELECT MAX(sender), COUNT(*), MAX(seq) AS newest FROM direct_messages "
            "WHERE recipient_key = :me AND delivered = 0 AND hidden = 0 "
            "GROUP BY sender_key ORDER BY newest DESC LIMIT :limit",
            me=me,
            limit=limit,
        )
        return {str(sender): int(count) for sender, count, _ in rows}

    def undelivered(self, me: str, limit: int) -> list[StoredDirect]:
        """The newest `limit` messages not yet delivered to `me`, oldest first."""
        rows = self.db.rows(
            "SELECT seq, sender, recipient, text, ts FROM direct_messages "
            "WHERE recipient_key = :me AND delivered = 0 AND hidden = 0 "
            "ORDER BY seq DESC LIMIT :limit",
            me=me,
            limit=limit,
        )
        found = [StoredDirect(int(q), str(s), str(r), str(t), str(ts)) for q, s, r, t, ts in rows]
        return found[::-1]

    def mark_delivered(self, me: str) -> None:
        self.db.execute(
            "UPDATE direct_messages SET delivered = 1 WHERE recipient_key = :me AND delivered = 0",
            me=me,
        ).finish()

    # blocks

    def set_blocked(self, blocker: str, blocked: str, on: bool) -> None:
        if on:
            sql = (
                "INSERT INTO blocks (blocker_key, blocked_key) VALUES (:a, :b) "
                "ON CONFLICT DO NOTHING"
            )
        else:
            sql = "DELETE FROM blocks WHERE blocker_key = :a AND blocked_key = :b"
        self.db.execute(sql, a=blocker, b=blocked).finish()

    def blocks(self, blocker: str, blocked: str) -> bool:
        rows = self.db.rows(
            "SELECT 1 FROM blocks WHERE blocker_key = :a AND blocked_key = :b", a=blocker, b=blocked
        )
        return bool(rows)

    # resume tokens

    def add_tokens(self, tokens: list[tuple[str, str, str, float]], keep: int) -> list[bool]:
        """Several logins' tokens, (selector, user_key, verifier_hash, expires_at) each, in
        one transaction (committed when this returns): a commit per login cost its locks
        and WAL writes. What `add_token` says, for each, in order."""
        with self.db.transaction():
            return [self._insert_token(*token, keep) for token in tokens]

    def add_token(
        self, selector: str, user_key: str, verifier_hash: str, expires_at: float, keep: int
    ) -> bool:
        """Store a token (committed when this returns); the account keeps only its `keep`
        newest (the oldest go). True when direct messages wait for the account (not yet
        delivered, not hidden from it).

        A login's one statement, as a rule: the insert says how many other tokens the
        account holds and whether anything waits, and the oldest are deleted only when
        there are too many (a transaction of two statements, and the query of what waited,
        made a login cost four where it had cost one)."""
        return self._insert_token(selector, user_key, verifier_hash, expires_at, keep)

    def _insert_token(
        self, selector: str, user_key: str, verifier_hash: str, expires_at: float, keep: int
    ) -> bool:
        rows = self.db.rows(
            "INSERT INTO resume_tokens (selector, user_key, verifier_hash, expires_at) "
            "VALUES (:sel, :user, :hash, :expires) RETURNING "
            "(SELECT COUNT(*) FROM resume_tokens WHERE user_key = :others AND selector <> :own), "
            "EXISTS (SELECT 1 FROM direct_messages WHERE recipient_key = :me "
            "AND delivered = 0 AND hidden = 0)",
            sel=selector,
            user=user_key,
            hash=verifier_hash,
            expires=expires_at,
            others=user_key,
            own=selector,
            me=user_key,
        )
        others, waiting = rows[0]
        if int(others) >= keep:
            self.db.execute(
                "DELETE FROM resume_tokens WHERE user_key = :user AND selector NOT IN "
                "(SELECT selector FROM resume_tokens WHERE user_key = :inner "
                "ORDER BY expires_at DESC LIMIT :keep)",
                user=user_key,
                inner=user_key,
                keep=keep,
            ).finish()
        return bool(waiting)

    def token(self, selector: str) -> StoredToken | None:
        rows = self.db.rows(
            "SELECT user_key, verifier_hash, expires_at FROM resume_tokens WHERE selector = :sel",
            sel=selector,
        )
        if not rows:
            return None
        user_key, verifier_hash, expires_at = rows[0]
        return StoredToken(str(user_key), str(verifier_hash), float(expires_at))

    def revoke_token(self, selector: str) -> None:
        self.db.execute("DELETE FROM resume_tokens WHERE selector = :sel", sel=selector).finish()

    def revoke_tokens_of(self, user_key: str) -> None:
        """Every token of the account (for a password change)."""
        self.db.execute("DELETE FROM resume_tokens WHERE user_key = :u", u=user_key).finish()

    def prune_tokens(self, now: float) -> int:
        query = self.db.execute("DELETE FROM resume_tokens WHERE expires_at <= :now", now=now)
        count = query.numRowsAffected()
        query.finish()
        return count
