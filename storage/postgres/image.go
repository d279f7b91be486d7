package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/badged/badged/badgeimage"
	"github.com/jackc/pgx/v5"
)

var _ badgeimage.Store = (*DB)(nil)

// PutImage implements [badgeimage.Store].
func (db *DB) PutImage(ctx context.Context, im *badgeimage.Image) error {
	sum := im.SHA256()
	_, err := db.pool.Exec(ctx, `INSERT INTO images (sha256, media_type, data) VALUES ($1, $2, $3)
		ON CONFLICT (sha256) DO NOTHING`, sum, im.MediaType, im.Data)
	if err != nil {
		return storeError(err, "image", sum, "")
	}
	return nil
}

// Image implements [badgeimage.Store].
func (db *DB) Image(ctx context.Context, sum string) (*badgeimage.Image, error) {
	im := &badgeimage.Image{}
	err := db.pool.QueryRow(ctx, `SELECT media_type, data FROM images WHERE sha256 = $1`, sum).Scan(&im.MediaType, &im.Data)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("image %s: %w", sum, badgeimage.ErrNotFound)
	}
	if err != nil {
		return nil, storeError(err, "image", sum, "")
	}
	return im, nil
}
