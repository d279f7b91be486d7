package api

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/badged/badged"
	"github.com/badged/badged/web/request"
)

// Backuper writes a consistent copy of the store while it is in use; the
// bbolt store is one. PostgreSQL is backed up with its own tools
// (pg_dump), so a server on it has none.
type Backuper interface {
	Backup(w io.Writer) (int64, error)
}

func (h *Handler) registerBackupRoutes(r chi.Router) {
	r.Get("/admin/backup", h.handle(h.handleBackup))
}

// handleBackup streams a copy of the whole bbolt database to a platform
// administrator (badged backup --server): the file `badged restore` takes.
func (h *Handler) handleBackup(w http.ResponseWriter, r *http.Request) error {
	if !request.Actor(r).Superuser {
		return badged.Errorf(badged.Forbidden, "only a platform administrator may back up the database")
	}
	if h.Backup == nil {
		return badged.Errorf(badged.Unavailable, "this server stores its records in PostgreSQL: back it up with pg_dump")
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="badged-%s.db"`, time.Now().UTC().Format("20060102-150405")))
	if _, err := h.Backup.Backup(w); err != nil {
		// The status is sent: the client sees a short file, which restore
		// refuses.
		h.Log.ErrorContext(context.WithoutCancel(r.Context()), "backup failed", "err", err)
	}
	return nil
}
