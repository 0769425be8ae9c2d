-- Member search (issue 25): an FTS5 index of every account's email and
-- name with the trigram tokenizer, so "contains" searches of three or more
-- characters are answered from the index (case-insensitive), not by a LIKE
-- over each member of the tenant. The rowid is the account's id; triggers
-- keep it in step with `accounts` in the same transaction.
CREATE VIRTUAL TABLE accounts_search USING fts5(email, name, tokenize = 'trigram');
INSERT INTO accounts_search (rowid, email, name)
    SELECT id, email, first_name || ' ' || last_name FROM accounts;
CREATE TRIGGER accounts_search_insert AFTER INSERT ON accounts BEGIN
    INSERT INTO accounts_search (rowid, email, name)
        VALUES (NEW.id, NEW.email, NEW.first_name || ' ' || NEW.last_name);
END;
CREATE TRIGGER accounts_search_update AFTER UPDATE OF email, first_name, last_name ON accounts BEGIN
    UPDATE accounts_search SET email = NEW.email, name = NEW.first_name || ' ' || NEW.last_name
        WHERE rowid = NEW.id;
END;
CREATE TRIGGER accounts_search_delete AFTER DELETE ON accounts BEGIN
    DELETE FROM accounts_search WHERE rowid = OLD.id;
END;
