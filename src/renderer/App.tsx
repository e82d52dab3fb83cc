// The shell: toolbar, the open file, toasts, dialogs, drag-and-drop; keys are handled once, here.
import { useEffect, useState, type DragEvent, type ReactElement } from 'react';
import { Dialogs } from './shell/Dialogs';
import { Toasts } from './shell/Notices';
import { OpenFileView } from './shell/OpenFileView';
import { Toolbar } from './shell/Toolbar';
import { useShortcuts } from './shell/useShortcuts';
import { Welcome } from './shell/Welcome';
import { useAppStore } from './state/appStore';

export function App(): ReactElement {
  const file = useAppStore((state) => state.file);
  const [dragging, setDragging] = useState(false);
  useShortcuts();
  useEffect(() => void useAppStore.getState().init(), []);

  const onDrop = (event: DragEvent<HTMLDivElement>): void => {
    event.preventDefault();
    setDragging(false);
    const dropped = event.dataTransfer.files[0];
    if (dropped !== undefined) void useAppStore.getState().openDropped(dropped);
  };

  return (
    <div
      className={`app${dragging ? ' dragging' : ''}`}
      onDragOver={(event) => {
        event.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={onDrop}
    >
      <Toolbar />
      <Dialogs />
      <main className="content">{file !== null ? <OpenFileView key={file.session} file={file} /> : <Welcome />}</main>
      <Toasts />
    </div>
  );
}
