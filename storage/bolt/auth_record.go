package bolt

import (
	"encoding/json"
	"fmt"
)

// decodeAuth decodes an auth record, refusing a format it does not know.
func decodeAuth(data []byte, r interface{ format() int }) error {
	if err := json.Unmarshal(data, r); err != nil {
		return fmt.Errorf("decode auth record: %v", err)
	}
	if f := r.format(); f != authFormat {
		return fmt.Errorf("decode auth record: unknown format %d", f)
	}
	return nil
}
