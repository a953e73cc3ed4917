package mongotest

import (
	"os/exec"
	"runtime"
	"syscall"
)

// startProcess starts cmd so that it is killed when the test process dies,
// however it dies, and calls exited with cmd.Wait's result once it ends.
//
// The parent-death signal fires when the thread that started the child
// ends, so the start happens on a goroutine locked to its thread that stays
// alive, in cmd.Wait, as long as the child does.
func startProcess(cmd *exec.Cmd, exited func(error)) error {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread ends with the goroutine
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		exited(cmd.Wait())
	}()
	return <-started
}
