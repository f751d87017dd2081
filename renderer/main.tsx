import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ApiContext } from './api';
import { App } from './App';
import './styles.css';

// The renderer's entry: the API comes from the preload (or a test transport).
const container = document.getElementById('root');
if (container) {
  const api = window.btcpayKeys ?? null;
  createRoot(container).render(
    <StrictMode>
      {api ? (
        <ApiContext.Provider value={api}>
          <App />
        </ApiContext.Provider>
      ) : (
        <p role="alert">
          The app could not reach its core. Restart BTCPay Key Manager.
        </p>
      )}
    </StrictMode>,
  );
}
