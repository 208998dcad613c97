/* The board's header: the stepper of all phases (the current one marked with
 * aria-current="step"), the visible countdown and its end cue. When the time is up the
 * page shows "Time is up", tells screen readers once, and, if the person turned the
 * sound on (off by default, remembered in localStorage), beeps with WebAudio.
 * `createHeader(view)` is called once by render.js. */

const SOUND_KEY = "greenpact:board:sound";
const BEEPS = [0, 0.35, 0.7]; // seconds after the end: three short beeps
const BEEP_SECONDS = 0.22;

export function createHeader(view) {
  const { T, state, $, speaker } = view;
  let announcedFor = null; // the timer_ends_at whose end was told
  let runningFor = null; // the timer_ends_at this page saw running
  let audio = null;
  const sound = $("board-sound");

  /** The sound's choice, read from and written to localStorage (forbidden storage:
   * the choice lasts as long as the page). */
  function soundWanted() {
    return Boolean(sound?.checked);
  }

  function loadSoundChoice() {
    if (!sound) return;
    try {
      sound.checked = localStorage.getItem(SOUND_KEY) === "on";
    } catch {
      sound.checked = false;
    }
    sound.addEventListener("change", () => {
      try {
        if (sound.checked) localStorage.setItem(SOUND_KEY, "on");
        else localStorage.removeItem(SOUND_KEY);
      } catch {
        // Storage forbidden: the choice holds for this page only.
      }
      // Browsers start audio only after a gesture: this change is one.
      if (sound.checked) audioContext()?.resume();
    });
  }

  function audioContext() {
    const Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) return null;
    audio = audio || new Context();
    return audio;
  }

  function beep() {
    const context = audioContext();
    if (!context) return;
    context.resume();
    for (const delay of BEEPS) {
      const start = context.currentTime + delay;
      const tone = context.createOscillator();
      const volume = context.createGain();
      tone.frequency.value = 880;
      volume.gain.setValueAtTime(0.2, start);
      volume.gain.exponentialRampToValueAtTime(0.001, start + BEEP_SECONDS);
      tone.connect(volume).connect(context.destination);
      tone.start(start);
      tone.stop(start + BEEP_SECONDS);
    }
  }

  /** The countdown, once a second and on every change of the board's timer. */
  function renderTimer() {
    const node = $("board-timer");
    const cue = $("board-time-up");
    const ends = state.board.timer_ends_at;
    const box = node.closest(".board-clock");
    if (!ends) {
      node.textContent = T.noTimer;
      cue.hidden = true;
      box?.removeAttribute("data-state");
      return;
    }
    const left = Math.max(Date.parse(ends) - (Date.now() + state.clockOffset), 0);
    const seconds = Math.ceil(left / 1000);
    node.textContent = `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
    cue.hidden = seconds > 0;
    box?.setAttribute("data-state", seconds > 0 ? "running" : "up");
    if (seconds > 0) {
      runningFor = ends;
      return;
    }
    if (announcedFor === ends) return;
    announcedFor = ends;
    speaker.now(T.timeUp);
    // Only an end this page lived through beeps, not one long past at loading.
    if (runningFor === ends && soundWanted()) beep();
  }

  /** Mark the current phase in the stepper. */
  function renderStepper() {
    for (const step of document.querySelectorAll(".board-stepper [data-phase]")) {
      if (step.dataset.phase === state.board.phase) step.setAttribute("aria-current", "step");
      else step.removeAttribute("aria-current");
    }
  }

  loadSoundChoice();
  return { renderTimer, renderStepper };
}
