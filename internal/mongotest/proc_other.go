//go:build !linux

package mongotest

import "os/exec"

// startProcess starts cmd and calls exited with cmd.Wait's result once it
// ends. Without a parent-death signal, only [Main] stops the server.
func startProcess(cmd *exec.Cmd, exited func(error)) error {
	if err := cmd.Start(); err != nil {
		return err
	}
	go func() { exited(cmd.Wait()) }()
	return nil
}
