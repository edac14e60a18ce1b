/// <reference types="vite/client" />
declare module "@dsfr/*.js";
